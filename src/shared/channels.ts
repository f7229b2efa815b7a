// The two Electron channels that carry the IPC contract. Kept apart from ipc.ts so the sandboxed
// preload can use them without bundling the schemas.
export const IPC_INVOKE_CHANNEL = 'msn:invoke';
export const IPC_EVENT_CHANNEL = 'msn:event';
