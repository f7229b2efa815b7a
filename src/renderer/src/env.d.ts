import type { MsnApi } from '../../shared/ipc';

declare global {
  interface Window {
    /** The IPC contract, exposed by the preload (or by the browser bridge in end-to-end tests). */
    readonly msn: MsnApi;
  }
}
