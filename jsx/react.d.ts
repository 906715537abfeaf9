/**
 * `<stateset-balance>` in React 19's JSX: `import type {} from '@stateset/browser/jsx-react';` once (or list it in
 * tsconfig `types`), then `<stateset-balance publishable-key="pk_test_…" onstateset:load={…} />` type-checks.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { StateSetBalanceElement, StateSetBalanceReactProps } from '@stateset/browser/widget';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'stateset-balance': StateSetBalanceReactProps & DetailedHTMLProps<HTMLAttributes<StateSetBalanceElement>, StateSetBalanceElement>;
    }
  }
}
