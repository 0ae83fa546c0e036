import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Every test file gets its own data folder, so no test reads or writes the real user's
// preferences, profiles or tokens (~/.config/Bastionless), and files never see each other's.
process.env.BASTIONLESS_DATA_DIR = mkdtempSync(join(tmpdir(), 'bastionless-test-data-'));
