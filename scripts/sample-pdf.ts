/** Writes a small, valid one-page PDF to stdout, to try uploads: `npm run -s sample-pdf > proof.pdf`. */
import { makePdf } from './lib/sample-files';

process.stdout.write(makePdf(1));
