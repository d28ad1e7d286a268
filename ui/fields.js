/**
 * How a form of the settings shows what the Rust side refused: the message
 * under the field it is about, the field marked invalid. A field is
 * { input, error }, where error is the paragraph that the input's
 * aria-describedby names, so that a screen reader reads the message with
 * the field.
 */

import * as ipc from './ipc.js';

/** Shows `message` under the field, or clears it with ''. */
export function showError(field, message) {
  field.error.textContent = message;
  field.error.hidden = !message;
  if (message) field.input.setAttribute('aria-invalid', 'true');
  else field.input.removeAttribute('aria-invalid');
}

/**
 * Shows a rejection under the field of `byName` it names (by the Rust
 * side's name for it), focused and in sight. False when it names none of
 * them: the caller says it elsewhere.
 */
export function showRefusal(byName, error) {
  const name = ipc.errorField(error);
  const field = Object.hasOwn(byName, name) ? byName[name] : null;
  if (!field) return false;
  showError(field, ipc.errorText(error));
  field.input.focus();
  field.error.scrollIntoView({ block: 'nearest' });
  return true;
}
