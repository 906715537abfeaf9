/**
 * The catalogue again, as a React 19 + TanStack Query app: an infinite list through `productsInfiniteQueryOptions`,
 * the header balance through `balanceQueryOptions`, and a `<stateset-balance>` given the app's client (one key,
 * one cache, one budget). Vite bundles it from the npm entries (here `../src/…`).
 */
import type {} from '../jsx/react.js'; // `import type {} from '@stateset/browser/jsx-react'` in an app
import { QueryClient, QueryClientProvider, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import { createClient, formatAmount, isStateSetError, type Product } from '../src/index.js';
import { balanceQueryOptions, productsInfiniteQueryOptions } from '../src/query/index.js';
import '../src/widget/index.js'; // `import '@stateset/browser/widget'` in an app

/** The stand-in API's URL, set by the demo server (Vite `define`). Against the real API, leave `apiBase` out. */
declare const __STATESET_API_BASE__: string;

const publishableKey = 'pk_test_fernwoodDemo';
const client = createClient({ publishableKey, apiBase: __STATESET_API_BASE__ });
const queries = new QueryClient();
const locale = document.documentElement.lang || undefined;
const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });

function HeaderBalance(): ReactNode {
  const { data, error } = useQuery(balanceQueryOptions(client));
  if (error) return <span className="muted">{isStateSetError(error) ? error.code : 'error'}</span>;
  const available = data?.available[0];
  return <span className="price" data-testid="header-balance">{available ? formatAmount(available, { locale }) : '…'}</span>;
}

function Card({ product }: { product: Product }): ReactNode {
  const initials = product.name.replace(/[^A-Za-z ]/g, '').split(' ').filter(Boolean).slice(0, 2).map((word) => word[0]).join('');
  const hue = [...product.id].reduce((value, char) => (value * 31 + char.charCodeAt(0)) % 360, 7);
  return (
    <article className="card product">
      <div className="swatch" aria-hidden="true" style={{ '--hue': String(hue) } as CSSProperties}>{initials}</div>
      {/* React renders text as text: the product named like an HTML injection shows as plain text. */}
      <h3>{product.name}</h3>
      <div className="meta">
        <span className="price">{formatAmount(product.price, { locale })}</span>
        <span className={`badge ${product.status}`}>{product.status}</span>
      </div>
      <span className="muted">{product.created === undefined ? '' : `Added ${date.format(new Date(product.created * 1000))}`}</span>
    </article>
  );
}

function Catalogue(): ReactNode {
  const { data, error, hasNextPage, fetchNextPage, isFetchingNextPage, isPending } = useInfiniteQuery(productsInfiniteQueryOptions(client, { limit: 8 }));
  const sentinel = useRef<HTMLDivElement>(null);
  // Infinite scroll: the next page when the end of the list comes into view (the button does the same).
  useEffect(() => {
    const end = sentinel.current;
    if (!end || !hasNextPage) return undefined;
    const observer = new IntersectionObserver((seen) => { if (seen.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage(); });
    observer.observe(end);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const items = data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <>
      <div className="toolbar">
        <p className={error ? 'error' : 'muted'} id="page-status" role="status" aria-live="polite">
          {error ? `Could not load products: ${isStateSetError(error) ? error.code : 'error'}` : isPending ? 'Loading…' : `${items.length} products${hasNextPage ? '' : ', all shown'}`}
        </p>
        <div className="pager">
          <button type="button" id="more" disabled={!hasNextPage || isFetchingNextPage} onClick={() => void fetchNextPage()}>
            {isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      </div>
      <div className="grid" id="products" aria-live="polite">{items.map((product) => <Card key={product.id} product={product} />)}</div>
      <div ref={sentinel} aria-hidden="true" />
    </>
  );
}

function App(): ReactNode {
  const invalidate = useQueryClient();
  return (
    <>
      <section className="hero">
        <p className="eyebrow">Built with React + TanStack Query</p>
        <h1>The full catalogue, scrolled.</h1>
        <p className="lede">
          <code>useInfiniteQuery(productsInfiniteQueryOptions(client))</code> pages with <code>starting_after</code>; the balance
          is <code>useQuery(balanceQueryOptions(client))</code>: <HeaderBalance />.{' '}
          <button type="button" onClick={() => void invalidate.invalidateQueries({ queryKey: ['stateset'] })}>Refresh all</button>
        </p>
      </section>
      <Catalogue />
    </>
  );
}

// The widget gets the app's client (its `client` property); the attributes are there for a widget build without it.
createRoot(document.getElementById('header-balance')!).render(
  <stateset-balance client={client} publishable-key={publishableKey} api-base={__STATESET_API_BASE__} label="Store credit" />,
);
createRoot(document.getElementById('app')!).render(
  <QueryClientProvider client={queries}>
    <App />
  </QueryClientProvider>,
);
