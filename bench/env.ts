// Imported first by every bench entry point: n8n-core reads these when it loads.
import { isolateN8nUserFolder } from './common';

isolateN8nUserFolder();
