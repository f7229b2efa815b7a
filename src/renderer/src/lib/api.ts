// The renderer's only door to main: `window.msn`, with failures turned into exceptions that carry
// the message main worded for the user.
import type { CommandInput, CommandName, CommandOutput, IpcErrorCode } from '../../../shared/ipc';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: IpcErrorCode,
    readonly detail?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function call<C extends CommandName>(channel: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
  const result = await window.msn.invoke(channel, input);
  if (!result.ok) throw new ApiError(result.error.message, result.error.code, result.error.detail);
  return result.value;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
