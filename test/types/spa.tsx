// The SPA entries as a consumer gets them from the tarball: @stateset/browser/query with @tanstack/query-core,
// formatAmount from the main entry, and <stateset-balance> in React 19 JSX through @stateset/browser/jsx-react.
import type {} from '@stateset/browser/jsx-react';
import { QueryClient } from '@tanstack/query-core';
import { createClient, formatAmount, type Balance } from '@stateset/browser';
import { balanceQueryOptions, isRetryable, productsInfiniteQueryOptions } from '@stateset/browser/query';

const client = createClient({ publishableKey: 'pk_test_consumer' });
const queries = new QueryClient();
const balance: Balance | undefined = queries.getQueryData(balanceQueryOptions(client).queryKey);
void queries.fetchInfiniteQuery(productsInfiniteQueryOptions(client, { limit: 5 })).then((data) => data.pages[0]?.data[0]?.id);
const text: string = formatAmount({ amount: '1', currency: 'usd' }, { locale: 'en-US' });
const retry: boolean = isRetryable(new Error('x'));
export const element = <stateset-balance client={client} publishable-key="pk_test_consumer" onstateset:load={(event) => event.detail.available} />;
// @ts-expect-error the widget's attributes are typed
export const wrong = <stateset-balance refresh={true} />;
void balance; void text; void retry;
