// Maps the Prisma errors a client can cause (a duplicate key, a row that is not
// there, a dangling reference) onto safe errors. Anything else stays unsafe and
// is masked, because its message may contain SQL or schema details.
import { ErrorCode } from './codes.ts';
import { GatewayError } from './GatewayError.ts';

interface PrismaKnownError {
  name: string;
  code: string;
  meta?: Record<string, unknown>;
}

function isPrismaKnownError(error: unknown): error is PrismaKnownError {
  return (
    error instanceof Error &&
    error.name === 'PrismaClientKnownRequestError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/** Returns a safe error for a client-caused Prisma failure, or the error unchanged. */
export function fromPrismaError(error: unknown, model: string): unknown {
  if (!isPrismaKnownError(error)) return error;
  switch (error.code) {
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
    default:
      return error;
  }
}
