/**
 * The widget's stylesheet: a constant, themed through CSS custom properties and `::part()`.
 * Adopted as a constructed `CSSStyleSheet` (allowed under a strict `style-src` CSP, shared by every
 * widget), with a `<style>` element as the fallback where constructable stylesheets are missing.
 */
const css = `:host{display:inline-block;font:var(--stateset-font-size,1rem)/1.35 var(--stateset-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);color:var(--stateset-color,#1a1f36)}
:host([hidden]){display:none}
[part~=container]{display:grid;gap:.2em;padding:var(--stateset-padding,0);border-radius:var(--stateset-radius,.5em);background:var(--stateset-background,transparent)}
[part~=label]{font-size:.8125em;font-weight:500;color:var(--stateset-muted-color,#697386)}
[part~=value]{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 .4em}
[part~=amount]{font-size:var(--stateset-amount-size,1.75em);font-weight:650;font-variant-numeric:tabular-nums;letter-spacing:-.01em;color:var(--stateset-accent,currentColor)}
[part~=currency]{font-size:.75em;font-weight:600;letter-spacing:.06em;color:var(--stateset-muted-color,#697386)}
[part~=error]{font-size:.875em;color:var(--stateset-error-color,#c0362c)}
:host([state=loading]) [part~=amount]{color:transparent;min-width:6em;border-radius:.25em;background:linear-gradient(90deg,var(--stateset-skeleton,#e3e8ee) 40%,#f6f8fa 50%,var(--stateset-skeleton,#e3e8ee) 60%) 0 0/300% 100%;animation:stateset-shimmer 1.4s linear infinite}
@keyframes stateset-shimmer{to{background-position:-150% 0}}
@media (prefers-reduced-motion:reduce){:host([state=loading]) [part~=amount]{animation:none}}`;

let sheet: CSSStyleSheet | undefined;

/** Styles a widget's shadow root. */
export function adoptStyles(root: ShadowRoot): void {
  try {
    if (!sheet) {
      const constructed = new CSSStyleSheet();
      constructed.replaceSync(css);
      sheet = constructed;
    }
    root.adoptedStyleSheets = [sheet];
  } catch {
    // No constructable stylesheets (or a sheet from another document): a <style> whose text is a constant.
    const style = root.ownerDocument.createElement('style');
    style.textContent = css;
    root.prepend(style);
  }
}
