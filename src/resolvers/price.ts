// Book.price: the book's euro price in another currency, at the European
// Central Bank's daily rate. The rates come from the bound `Query.euroRates`
// field, called through its own resolver: the same per-request loader and
// shared cache, so pricing a page of 100 books costs at most one feed call.
import type { GraphQLResolveInfo } from 'graphql';
import { badUserInput } from '../errors/GatewayError.ts';
import type { GatewayContext } from '../graphql/context.ts';
import type { BookResolvers, EuroRates, Money } from '../graphql/resolvers-types.generated.ts';

/** Runs the resolver bound to a Query field (an @http binding) from a hand-written resolver. */
async function resolveQueryField<T>(field: string, ctx: GatewayContext, info: GraphQLResolveInfo): Promise<T> {
  const resolve = info.schema.getQueryType()?.getFields()[field]?.resolve;
  if (!resolve) throw new Error(`Query.${field} has no resolver`);
  return (await resolve(undefined, {}, ctx, info)) as T;
}

// Building an Intl.NumberFormat costs tens of microseconds (measured: most of
// W8's CPU when made per book), so there is one per currency for the process.
// The feed lists about 30 currencies; the map cannot grow past the codes the
// feed has, since unknown ones are refused before this is reached.
const formats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

// A code Intl does not accept (the feed is upstream data) still gets a plain format.
function currencyFormat(code: string): { format: Intl.NumberFormat; digits: number } {
  let known = formats.get(code);
  if (!known) {
    let format: Intl.NumberFormat;
    try {
      format = new Intl.NumberFormat('en', { style: 'currency', currency: code });
    } catch {
      format = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    known = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formats.set(code, known);
  }
  return known;
}

// The request's rates, under this key in ctx.memo: asked once per request, not
// once per book (the field's loader would answer each from its cache, but
// rendering its call and finding its loader cost a page of 100 books ~3% of
// its CPU). A failure is shared too, as the loader would share it.
const ratesOfRequest = {};

function requestRates(ctx: GatewayContext, info: GraphQLResolveInfo): Promise<EuroRates> {
  let rates = ctx.memo.get(ratesOfRequest) as Promise<EuroRates> | undefined;
  if (!rates) ctx.memo.set(ratesOfRequest, (rates = resolveQueryField<EuroRates>('euroRates', ctx, info)));
  return rates;
}

export const price: NonNullable<BookResolvers['price']> = async (book, { currency }, ctx, info): Promise<Money> => {
  const code = currency.toUpperCase();
  const rates = await requestRates(ctx, info);
  const rate = code === 'EUR' ? 1 : rates.rates.find((r) => r.currency === code)?.rate;
  if (rate === undefined)
    throw badUserInput(
      `No euro reference rate for ${currency}; known: EUR, ${rates.rates.map((r) => r.currency).join(', ')}`,
      { argument: 'currency' },
    );
  // Round to the currency's own minor unit (0 for JPY, 2 for USD).
  const { format, digits } = currencyFormat(code);
  const amount = Math.round((book.priceCents / 100) * rate * 10 ** digits) / 10 ** digits;
  // Formatted only when asked for: Intl's format was most of this resolver's
  // own CPU, and a page priced by amount never reads it.
  return {
    currency: code,
    amount,
    get formatted() {
      return format.format(amount);
    },
    rate,
    date: rates.date,
  };
};
