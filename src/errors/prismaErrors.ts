// Maps the database errors a client can cause (a duplicate key, a row that is
// not there, a dangling reference), whether they come through Prisma's client
// or the SQL paths, onto safe errors. Anything else stays unsafe and
// is masked, because its message may contain SQL or schema details.
import { ErrorCode } from './codes.ts';
import { GatewayError } from './GatewayError.ts';
import { driverAdapterCause, isTransactionConflict } from '../sources/prisma/retryOnConflict.ts';
import { RowNotFound } from '../sources/prisma/sqlWrites.ts';

interface PrismaKnownError {
  name: string;
  code: string;
  message: string;
  meta?: Record<string, unknown>;
}

// Prisma's P2028 messages for a transaction past its timeout or one that could not start within maxWait.
const transactionOutOfTime = /expired transaction|Unable to start a transaction in the given time/;

function isPrismaKnownError(error: unknown): error is PrismaKnownError {
  return (
    error instanceof Error &&
    error.name === 'PrismaClientKnownRequestError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

// The Prisma code a failure stands for: Prisma's own, or the one Prisma gives
// the same adapter failure or missing row when the SQL paths (sqlReads.ts,
// sqlWrites.ts) meet it without Prisma.
function prismaCodeOf(error: unknown): string | undefined {
  if (isPrismaKnownError(error)) return error.code;
  if (error instanceof RowNotFound) return 'P2025';
  const kind =
    error instanceof Error && error.name === 'DriverAdapterError' ? driverAdapterCause(error)?.kind : undefined;
  return kind === 'UniqueConstraintViolation'
    ? 'P2002'
    : kind === 'ForeignKeyConstraintViolation'
      ? 'P2003'
      : undefined;
}

/** Returns a safe error for a client-caused database failure (through Prisma or the SQL paths), or the error unchanged. */
export function fromPrismaError(error: unknown, model: string): unknown {
  switch (prismaCodeOf(error)) {
    case 'P2002':
      return new GatewayError(ErrorCode.CONFLICT, `A ${model} with the same unique value already exists`, {
        model,
      });
    case 'P2025':
      return new GatewayError(ErrorCode.NOT_FOUND, `${model} not found`, { model });
    case 'P2003':
      return new GatewayError(
        ErrorCode.CONFLICT,
        `${model} refers to a row that does not exist, or is still referenced by other rows`,
        { model },
      );
    // Transient: the transaction was rolled back whole, so the client may simply retry.
    case 'P2028':
      return transactionOutOfTime.test((error as Error).message)
        ? new GatewayError(
            ErrorCode.SERVICE_UNAVAILABLE,
            'The database did not complete the operation in time; nothing was changed',
            { model },
          )
        : error;
    default:
      return isTransactionConflict(error)
        ? new GatewayError(
            ErrorCode.SERVICE_UNAVAILABLE,
            'The operation kept conflicting with concurrent writes; nothing was changed',
            { model },
          )
        : error;
  }
}
