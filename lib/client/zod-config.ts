import { z } from 'zod';

// Zod probes `new Function` once to compile its object parsers. The Content-Security-Policy has no
// 'unsafe-eval', so the probe is a reported violation in every browser session; the interpreted
// parsers are plenty fast for forms and drafts.
z.config({ jitless: true });
