import { deployedIndexes, table } from '../../infra/catalog';

/**
 * CloudFormation adds at most one global secondary index per update of a table (and a deploy that
 * asks for two fails, half-way through a stack update). The catalog names the indexes the deployed
 * table has (`deployedIndexes`): a change may add one index beyond them, and removes none.
 */
describe('the table’s indexes across a deploy', () => {
  const declared = table.globalSecondaryIndexes.map((index) => index.indexName);

  it('keeps every index the deployed table has', () => {
    expect(deployedIndexes.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it('adds at most one index in one deploy', () => {
    const added = declared.filter((name) => !deployedIndexes.includes(name));
    expect(added.length).toBeLessThanOrEqual(1);
  });

  it('names each index once', () => {
    expect(new Set(declared).size).toBe(declared.length);
  });
});
