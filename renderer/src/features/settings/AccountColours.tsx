import { AccountColourSchema, type AccountColour } from '../../../../preload/contract';
import { updatePreferences, usePreferences } from '../../preferences';
import { accountColour } from '../accounts/account-colour';
import { useAccountNames } from '../accounts/useAccountNames';

const CHOICES: readonly AccountColour[] = ['none', 'red', 'orange', 'yellow', 'green', 'blue', 'purple'];
const LABEL: Record<AccountColour, string> = { none: 'No colour', red: 'Red', orange: 'Orange', yellow: 'Yellow', green: 'Green', blue: 'Blue', purple: 'Purple' };

/** One colour per account, shown as a stripe on its shell tabs and instance rows. */
export function AccountColours() {
  const names = useAccountNames();
  const chosen = usePreferences().preferences.accountColours;
  const accounts = [...names].sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
  const set = (accountId: string, colour: AccountColour) => void updatePreferences({ accountColours: { ...chosen, [accountId]: colour } }).catch(() => undefined);
  return (
    <fieldset className="field-group">
      <legend>Account colours</legend>
      <p className="muted small">A stripe on the account's shell tabs and instance rows. Accounts whose name says “prod” are red unless you choose otherwise.</p>
      {accounts.length === 0 && <p className="muted">Accounts appear here once you are signed in.</p>}
      {accounts.length > 0 && (
        <table className="account-colours">
          <tbody>
            {accounts.map(([id, name]) => {
              const current = accountColour(id, name, chosen) ?? 'none';
              return (
                <tr key={id} data-colour={current === 'none' ? undefined : current}>
                  <th scope="row">
                    <span className="colour-swatch" aria-hidden="true" /> {name} <span className="muted mono">{id}</span>
                  </th>
                  <td>
                    <select aria-label={`Colour of ${name} (${id})`} value={current} onChange={(e) => set(id, AccountColourSchema.parse(e.target.value))}>
                      {CHOICES.map((c) => (
                        <option key={c} value={c}>
                          {LABEL[c]}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </fieldset>
  );
}
