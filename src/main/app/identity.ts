// Who the app is to the operating system. The packaging config imports these same constants, so
// the installed app id, the Windows AppUserModelID and the keychain service name always agree.

/** Reverse-DNS id: electron-builder `appId`, Windows AppUserModelID and the keychain service name. */
export const APP_ID = 'org.revivalmessenger.app';
export const PRODUCT_NAME = 'Revival Messenger';
/** Executable and .desktop file name on Linux. */
export const EXECUTABLE_NAME = 'revival-messenger';
/** Runs the app with its settings in this folder instead of the user's (the demo's throw-away profile). */
export const USER_DATA_ENV = 'REVIVAL_MESSENGER_USER_DATA';
