// Checks shared by the forecast use cases.
import { invalidInput } from '../../errors';

export function checkSims(sims: number) {
  if (!Number.isInteger(sims) || sims < 100 || sims > 200_000)
    throw invalidInput('sims must be an integer between 100 and 200,000', [{ path: ['sims'], value: sims, problem: 'out of range' }]);
}
