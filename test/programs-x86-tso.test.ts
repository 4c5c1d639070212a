// The verdict table of the QEMU programs on x86-tso (see test/support/verdict-table.ts).
import { verdictTable } from './support/verdict-table.ts';

verdictTable('x86-tso');
