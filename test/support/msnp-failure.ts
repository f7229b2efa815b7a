import { MsnpError } from '../../src/main/msnp/errors';

/** The MsnpError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function failure(promise: Promise<unknown>): Promise<MsnpError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof MsnpError)) throw new Error(`expected an MsnpError, got ${String(err)}`);
  return err;
}
