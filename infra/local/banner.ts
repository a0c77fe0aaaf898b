import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/adapters/dynamodb/keys';
import { exampleCandidates, type SeedData } from './seed';

/** The customer the banner's curl deletes, and the reseller account whose token may do it. */
export interface BannerExample {
  customerId: string;
  accountId: string;
}

/**
 * The first customer of the loaded seed that a reseller token can delete right now: still ACTIVE
 * in the table (a persisted table keeps earlier deletions), with a parent and nothing that blocks
 * it. Undefined when there is none, and the banner says so instead of suggesting a 404.
 */
export async function chooseExample(seed: SeedData, isActive: (customerId: string) => Promise<boolean>): Promise<BannerExample | undefined> {
  for (const customer of exampleCandidates(seed)) {
    if (customer.parentId !== null && (await isActive(customer.id))) return { customerId: customer.id, accountId: customer.parentId };
  }
  return undefined;
}

export function activeInTable(client: DynamoDBDocumentClient, tableName: string): (customerId: string) => Promise<boolean> {
  return async (customerId) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.customer(customerId), ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'status' } }));
    return Item?.status === 'ACTIVE';
  };
}

export interface BannerFacts {
  url: string;
  readySeconds: number;
  /** The SES emulator: sent mail in its web viewer at `/`, as JSON at `/store`. */
  sesEndpoint: string;
  loginRecordFile: string;
  runtimeFile: string;
  persistDir?: string;
  example: (BannerExample & { token: string }) | undefined;
}

export function bannerText(facts: BannerFacts): string {
  const { url, example } = facts;
  const tryIt = example
    ? `Delete a demo customer (token valid for one hour, ${example.accountId} manages ${example.customerId}):

curl -i -X DELETE "${url}/customer/${example.customerId}" \\
  -H "Authorization: Bearer ${example.token}" \\
  -H "Content-Type: application/json"`
    : `No customer of the seed can be deleted right away (none left ACTIVE with a parent and nothing blocking it${facts.persistDir ? '; --reset reloads the seed' : ''}).`;
  return `
Customer deletion service running at ${url}  (ready in ${facts.readySeconds.toFixed(1)} s)
  Console: ${url}/console/  (operator console; development sign-in: choose role, account and scopes)
  JWKS:    ${url}/.well-known/jwks.json
  Health:  ${url}/health
  Mail:    ${facts.sesEndpoint}/  (sent mail; as JSON: ${facts.sesEndpoint}/store)
  Data:    ${facts.persistDir ? `${facts.persistDir} (kept between runs; --reset starts afresh)` : 'in memory (gone at exit; --persist DIR keeps it)'}
  Disabled logins (npm run token refuses them): ${facts.loginRecordFile}
  Runtime file (npm run token/redrive read it): ${facts.runtimeFile}

${tryIt}

Mint other tokens with: npm run token -- --sub alice --account platform --role ADMIN --scope "customers:delete customers:purge"
Ctrl-C stops everything.
`;
}
