// Who the app is to the operating system. The packaging config imports these same constants, so
// the installed app id, the Windows AppUserModelID and the keychain service name always agree.

/** Reverse-DNS id: electron-builder `appId`, Windows AppUserModelID and the keychain service name. */
export const APP_ID = 'org.revivalmessenger.app';
export const PRODUCT_NAME = 'Revival Messenger';
/** Executable and .desktop file name on Linux. */
export const EXECUTABLE_NAME = 'revival-messenger';
