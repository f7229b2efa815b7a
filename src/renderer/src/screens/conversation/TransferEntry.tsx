// A file transfer in the conversation log: the invitation with Accept and Decline, the progress
// bar with bytes and speed and Cancel, then how it ended, with Open and Open Folder for a file
// that arrived. Names from the other side are shown as text only.
import type { Transfer } from '../../../../shared/schemas';
import { endedText, formatBytes } from '../../../../shared/transfers';
import { pictureUrl } from '../../../../shared/pictures';
import { call, errorText } from '../../lib/api';
import { systemLine } from '../../store/conversation';

const nameOf = (p: { displayName: string; email: string }): string =>
  p.displayName.trim() === '' ? p.email : p.displayName;

type TransferCommand =
  'transfer:accept' | 'transfer:decline' | 'transfer:cancel' | 'transfer:open' | 'transfer:show-in-folder';

function act(command: TransferCommand, transferId: string): void {
  call(command, { transferId }).catch((e: unknown) => systemLine(errorText(e)));
}

export function TransferEntry({ transfer }: { transfer: Transfer }): React.JSX.Element {
  const { id, name, size, bytes, speed, state, direction, peer } = transfer;
  const percent = size === 0 ? 100 : Math.min(100, Math.floor((bytes * 100) / size));
  const ended = endedText(transfer);
  return (
    <div className={`log-transfer transfer-${state}`} data-transfer={id} aria-label={`File transfer: ${name}`}>
      {transfer.previewId && <img className="transfer-preview" src={pictureUrl(transfer.previewId)} alt="" />}
      <div className="transfer-body">
        {state === 'offered' && (
          <>
            <div>
              {nameOf(peer)} would like to send you the file &quot;{name}&quot; ({formatBytes(size)}).
            </div>
            <div className="transfer-actions">
              <button type="button" className="link-button" onClick={() => act('transfer:accept', id)}>
                Accept
              </button>
              <button type="button" className="link-button" onClick={() => act('transfer:decline', id)}>
                Decline
              </button>
            </div>
          </>
        )}
        {state === 'waiting' && (
          <>
            <div>
              Waiting for {nameOf(peer)} to accept the file &quot;{name}&quot; ({formatBytes(size)}).
            </div>
            <div className="transfer-actions">
              <button type="button" className="link-button" onClick={() => act('transfer:cancel', id)}>
                Cancel
              </button>
            </div>
          </>
        )}
        {state === 'active' && (
          <>
            <div>
              {direction === 'send' ? 'Sending' : 'Receiving'} &quot;{name}&quot;
            </div>
            <div
              className="transfer-bar"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              aria-label={`Transfer of ${name}`}
            >
              <div className="transfer-bar-fill" style={{ width: `${percent}%` }} />
            </div>
            <div className="transfer-status">
              {formatBytes(bytes)} of {formatBytes(size)}
              {speed > 0 ? ` (${formatBytes(speed)}/s)` : ''}
              <button type="button" className="link-button" onClick={() => act('transfer:cancel', id)}>
                Cancel
              </button>
            </div>
          </>
        )}
        {state === 'done' && direction === 'receive' && (
          <>
            <div>
              You have successfully received &quot;{transfer.savedAs ?? name}&quot; from {nameOf(peer)}.
            </div>
            <div className="transfer-actions">
              <button type="button" className="link-button" onClick={() => act('transfer:open', id)}>
                Open
              </button>
              <button type="button" className="link-button" onClick={() => act('transfer:show-in-folder', id)}>
                Open Folder
              </button>
            </div>
          </>
        )}
        {state === 'done' && direction === 'send' && (
          <div>
            Transfer of &quot;{name}&quot; to {nameOf(peer)} is complete.
          </div>
        )}
        {ended !== undefined && <div role={state === 'failed' ? 'alert' : undefined}>{ended}</div>}
      </div>
    </div>
  );
}
