// How a file transfer is put into words: the same sentences in the conversation window, the
// history and anything else that tells of one.
import type { Transfer } from './schemas';

/** 1536 → "1.5 KB": the units the classic client used, one decimal below 10. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** Why a transfer ended, as the conversation window says it. */
export function endedText(transfer: Transfer): string | undefined {
  const peer = transfer.peer.displayName || transfer.peer.email;
  switch (transfer.state) {
    case 'declined':
      return transfer.endedBy === 'you'
        ? `You have declined to receive "${transfer.name}".`
        : `${peer} has declined to receive "${transfer.name}".`;
    case 'cancelled':
      return transfer.endedBy === 'you'
        ? `You have cancelled the transfer of "${transfer.name}".`
        : `${peer} has cancelled the transfer of "${transfer.name}".`;
    case 'failed':
      return `The transfer of "${transfer.name}" failed: ${transfer.reason ?? 'the connection was lost'}.`;
    default:
      return undefined;
  }
}
