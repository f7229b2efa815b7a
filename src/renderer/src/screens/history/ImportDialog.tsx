// File → Import Message History…: main asks for the folder, then reads the logs in it while this
// dialog shows how far it has got, and what was imported and skipped at the end.
import { useEffect, useState } from 'react';
import type { ImportProgress, ImportReport } from '../../../../shared/history';
import { Dialog } from '../../components/ui';
import { call, errorText } from '../../lib/api';

export function ImportDialog({ onClose }: { onClose: () => void }): React.JSX.Element {
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  // One import per dialog: `onClose` must stay the same function.
  useEffect(() => {
    let live = true;
    const off = window.msn.on('history:import-progress', (p) => live && setProgress(p));
    call('history:import', {}).then(
      (result) => {
        if (!live) return;
        if (result === null) onClose();
        else setReport(result);
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
      off();
    };
  }, [onClose]);

  const done = report !== null || error !== null;
  return (
    <Dialog title="Import Message History" onClose={onClose} className="import-dialog">
      {!done && (
        <>
          <p>{progress ? `Reading ${progress.file}...` : 'Choose the folder that holds your old message history.'}</p>
          <progress aria-label="Import progress" max={progress?.filesTotal || 1} value={progress?.filesDone ?? 0} />
          {progress && (
            <p className="muted">
              {progress.filesDone} of {progress.filesTotal} files, {progress.imported} messages
            </p>
          )}
        </>
      )}
      {report && (
        <div role="status" aria-label="Import report">
          <p>
            Imported {report.imported} {report.imported === 1 ? 'record' : 'records'} from {report.files}{' '}
            {report.files === 1 ? 'file' : 'files'}
            {report.contacts.length > 0 ? ` (${report.contacts.join(', ')})` : ''}.
          </p>
          {report.duplicates > 0 && <p>{report.duplicates} were in your history already.</p>}
          {report.skipped.length > 0 && (
            <>
              <p>Not imported:</p>
              <ul className="import-skipped">
                {report.skipped.map((s) => (
                  <li key={s.file}>
                    <strong>{s.file}</strong>: {s.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {error && (
        <p className="dialog-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" className="button button-primary" disabled={!done} onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
