import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASYNCAPI_PATH, findRepoRoot, generatedFiles, renderAsyncApiYaml, schemaPathOf, staleFiles, writeGenerated } from './generate';
import { buildJsonSchemas } from './asyncapi';
import { ALL_TOPICS } from './topics';

const repoRoot = findRepoRoot(__dirname);

describe('generated contract docs', () => {
  it('are checked in and up to date (run npm run contracts:generate if not)', () => {
    expect(readFileSync(join(repoRoot, ASYNCAPI_PATH), 'utf8')).toBe(renderAsyncApiYaml());
    expect(staleFiles(repoRoot)).toEqual([]);
  });

  it('hold one JSON schema file per topic', () => {
    const schemas = buildJsonSchemas();
    for (const topic of ALL_TOPICS) {
      expect(JSON.parse(readFileSync(join(repoRoot, schemaPathOf(topic)), 'utf8'))).toEqual(schemas[topic]);
    }
    expect(schemaPathOf('review.decided')).toBe('docs/schemas/review.decided.v1.json');
  });
});

describe('generator', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'contracts-docs-'));
    writeFileSync(join(root, 'nx.json'), '{}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes every file, then finds nothing stale', () => {
    expect(staleFiles(root)).toHaveLength(generatedFiles().size);
    expect(writeGenerated(root)).toHaveLength(generatedFiles().size);
    expect(staleFiles(root)).toEqual([]);
    expect(writeGenerated(root)).toEqual([]);
  });

  it('reports an edited file and a schema no contract produces', () => {
    writeGenerated(root);
    writeFileSync(join(root, ASYNCAPI_PATH), 'asyncapi: 3.0.0\n');
    writeFileSync(join(root, 'docs/schemas/prediction.made.v1.json'), '{}');
    expect(staleFiles(root)).toEqual([ASYNCAPI_PATH, 'docs/schemas/prediction.made.v1.json']);
  });

  it('finds the repository root from a folder inside it', () => {
    expect(findRepoRoot(join(root, 'docs', 'schemas'))).toBe(root);
  });
});
