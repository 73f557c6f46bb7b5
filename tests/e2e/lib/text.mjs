/**
 * Sets a text input/textarea (by data-testid on the native element) to exactly `value`.
 * WebKitWebDriver's clear + select-all does not always empty a Naive UI textarea, so set
 * the value and fire the input event Vue listens to.
 */
export async function setText(browser, id, value) {
  await browser.execute((id, value) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    el.focus();
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, id, value);
}
