// The verdict table of the QEMU programs on armv8-lse (see test/support/verdict-table.ts).
import { verdictTable } from './support/verdict-table.ts';

verdictTable('armv8-lse');
