import { SCOPES } from './model';
import { OPS_SCOPE } from './queue-operations';

/** Every scope an operator's token may carry (SPEC "Identity"): the service's own and the operations console's. */
export const OPERATOR_SCOPES: readonly string[] = [...Object.values(SCOPES), OPS_SCOPE];
