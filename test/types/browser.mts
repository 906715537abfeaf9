// A browser app's view of the package: `.` and `./widget`, resolved by name through `exports`.
import { createClient, getBalance, isStateSetError, StateSetError, type Balance, type Client, type ClientOptions } from '@stateset/browser';
import { formatAmount, StateSetBalanceElement, type FormattedAmount } from '@stateset/browser/widget';

const options: ClientOptions = { publishableKey: 'pk_test_123', timeout: 5_000 };
const client: Client = createClient(options);
const livemode: boolean = client.livemode;
export const balance: Promise<Balance> = getBalance(client, { signal: AbortSignal.timeout(1_000) });
export async function firstAmount(): Promise<number | string | undefined> {
  return (await getBalance(client)).available[0]?.amount;
}
export const code = (error: unknown): string | undefined => (isStateSetError(error) ? error.code : undefined);
export const asError = (error: StateSetError): Error => error;

// @ts-expect-error the client object holds no key
export const leaked = client.publishableKey;
// @ts-expect-error publishableKey is required
createClient({});
// @ts-expect-error a call takes a client first
getBalance('pk_test_123');
// @ts-expect-error livemode is a boolean
export const notAString: string = livemode;

const element: HTMLElement = new StateSetBalanceElement();
export const current: Balance | undefined = (element as StateSetBalanceElement).balance;
export const formatted: FormattedAmount = formatAmount('20.00', 'ssusd', 'en-US');
// @ts-expect-error amounts are numbers or decimal strings
formatAmount(null, 'usd');

// Strict consumers (exactOptionalPropertyTypes): optional fields take `undefined` as well as a value.
declare const maybeSignal: AbortSignal | undefined;
declare const maybeBase: string | undefined;
export const optionalsAccepted = getBalance(createClient({ publishableKey: 'pk_test_123', apiBase: maybeBase }), { signal: maybeSignal });
