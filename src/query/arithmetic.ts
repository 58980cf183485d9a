import type { BinaryOp, CompareOp } from './ast.js';

/*
 * The arithmetic and comparisons of LogQL binary operators on two numbers,
 * as Loki's MergeBinOp computes them.
 */

/** Arithmetic and comparison on two numbers, as Loki's `mergeBinOp` does for scalars. */
export function applyArithmetic(op: BinaryOp, l: number, r: number, returnBool: boolean): number | undefined {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      // Loki's MergeBinOp guards against division by zero with NaN (not ±Inf).
      return r === 0 ? NaN : l / r;
    case '%':
      return r === 0 ? NaN : goMod(l, r);
    case '^':
      return l ** r;
    case '==':
    case '!=':
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const t = compare(op, l, r);
      if (returnBool) return t ? 1 : 0;
      return t ? l : undefined;
    }
    default:
      return undefined;
  }
}

export function compare(op: CompareOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
    case '<':
      return l < r;
    case '<=':
      return l <= r;
  }
}

/** Go's `math.Mod`: the sign of the result is the sign of `l`, like JavaScript's `%`. */
function goMod(l: number, r: number): number {
  return l % r;
}
