/**
 * React 19 + @tanstack/react-query + @testing-library/react, against the stand-in: Suspense, an infinite list
 * scrolled to its end, invalidation, and an error boundary that shows a typed error.
 */
import type {} from '@stateset/browser/jsx-react';
import { QueryClient, QueryClientProvider, useQueryClient, useSuspenseInfiniteQuery, useSuspenseQuery } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Component, Suspense, type ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, formatAmount, isStateSetError, type Client, type KnownStateSetError } from '../src/index.js';
import { balanceQueryOptions, productQueryOptions, productsInfiniteQueryOptions } from '../src/query/index.js';
import { PRODUCT_COUNT, products, startStandIn, type StandIn } from '../src/testing/server.js';

let api: StandIn;
beforeAll(async () => { api = await startStandIn(); });
afterAll(() => api.close());
beforeEach(() => api.reset());
afterEach(cleanup);

const sent = (path: string): number => api.requests.filter((request) => request.method === 'GET' && request.path === `/v1${path}`).length;

class Boundary extends Component<{ children: ReactNode }, { error?: unknown }> {
  override state: { error?: unknown } = {};
  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }
  override render(): ReactNode {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    // Narrowed by name: a typed error with its code and status.
    const known: KnownStateSetError | undefined = isStateSetError(error) ? error : undefined;
    return <p role="alert">{known?.name === 'ApiError' ? `${known.name} ${known.status} ${known.code}` : 'unknown error'}</p>;
  }
}

function BalanceHeader({ client }: { client: Client }): ReactNode {
  const { data } = useSuspenseQuery(balanceQueryOptions(client));
  const queries = useQueryClient();
  return (
    <header>
      <output>{formatAmount(data.available[0]!, { locale: 'en-US' })}</output>
      <button type="button" onClick={() => void queries.invalidateQueries({ queryKey: ['stateset'] })}>Refresh</button>
    </header>
  );
}

function Catalogue({ client }: { client: Client }): ReactNode {
  const { data, hasNextPage, fetchNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(productsInfiniteQueryOptions(client, { limit: 10 }));
  return (
    <section>
      <ul>{data.pages.flatMap((page) => page.data).map((product) => <li key={product.id}>{product.name}</li>)}</ul>
      {hasNextPage && <button type="button" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>More</button>}
    </section>
  );
}

function Missing({ client }: { client: Client }): ReactNode {
  const { data } = useSuspenseQuery(productQueryOptions(client, 'prod_missing'));
  return <p>{data.name}</p>;
}

const app = (client: Client, children: ReactNode, queries = new QueryClient()): ReactNode => (
  <QueryClientProvider client={queries}>
    <Boundary>
      <Suspense fallback={<p>Loading…</p>}>{children}</Suspense>
    </Boundary>
  </QueryClientProvider>
);

describe('React 19 + TanStack Query', () => {
  it('suspends, then shows the balance; invalidation sends exactly one request', async () => {
    const client = createClient({ publishableKey: 'pk_test_react1', apiBase: api.url });
    render(app(client, <BalanceHeader client={client} />));
    expect(screen.getByText('Loading…')).toBeTruthy();
    const output = await screen.findByRole('status');
    expect(output.textContent).toMatch(/^\$[\d,]+\.\d{2}/);
    expect(sent('/account/balance')).toBe(1);
    await act(async () => { fireEvent.click(screen.getByRole('button', { name: 'Refresh' })); });
    await waitFor(() => expect(sent('/account/balance')).toBe(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent('/account/balance')).toBe(2);
  });

  it('scrolls an infinite list through every product, one request a page', async () => {
    const client = createClient({ publishableKey: 'pk_test_react2', apiBase: api.url });
    render(app(client, <Catalogue client={client} />));
    await screen.findAllByRole('listitem');
    for (let pages = 1; screen.queryByRole('button', { name: 'More' }); pages++) {
      const more = screen.getByRole('button', { name: 'More' });
      await waitFor(() => expect((more as HTMLButtonElement).disabled).toBe(false));
      await act(async () => { fireEvent.click(more); });
      await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(Math.min((pages + 1) * 10, PRODUCT_COUNT)));
    }
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(products.map((product) => product.name));
    expect(sent('/products')).toBe(Math.ceil(PRODUCT_COUNT / 10));
  });

  it('shows a typed error in an error boundary after one request (a 404 is not retried)', async () => {
    const client = createClient({ publishableKey: 'pk_test_react3', apiBase: api.url });
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined); // React reports what a boundary caught
    render(app(client, <Missing client={client} />));
    expect((await screen.findByRole('alert')).textContent).toBe('ApiError 404 resource_missing');
    report.mockRestore();
    expect(sent('/products/prod_missing')).toBe(1);
  });

  it('types the widget in JSX, and React 19 hands it the shared client and the event listener', async () => {
    const client = createClient({ publishableKey: 'pk_test_react4', apiBase: api.url });
    const seen: string[] = [];
    render(<stateset-balance client={client} label="Balance" onstateset:error={(event) => seen.push(event.detail.error.code)} />);
    const element = document.querySelector('stateset-balance')!;
    expect(element.getAttribute('label')).toBe('Balance');
    element.dispatchEvent(new CustomEvent('stateset:error', { detail: { error: { code: 'timeout' } } }));
    expect(seen).toEqual(['timeout']);
  });
});
