import { Parser } from '@asyncapi/parser';
import { parse } from 'yaml';
import { buildAsyncApiDocument, buildJsonSchemas, channelIdOf, messageIdOf } from './asyncapi';
import { renderAsyncApiYaml } from './generate';
import { ALL_TOPICS } from './topics';

// DiagnosticSeverity.Error in the parser's (spectral's) numbering.
const ERROR = 0;

describe('AsyncAPI document', () => {
  const yamlText = renderAsyncApiYaml();

  it('parses with @asyncapi/parser without errors', async () => {
    const { document, diagnostics } = await new Parser().parse(yamlText);
    const errors = diagnostics.filter((d) => d.severity === ERROR);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.channels().all().map((c) => c.address())).toEqual(expect.arrayContaining([...ALL_TOPICS]));
  });

  it('carries each JSON schema as its channel message payload', () => {
    const doc = parse(yamlText);
    const schemas = buildJsonSchemas();
    for (const topic of ALL_TOPICS) {
      const channel = doc.channels[channelIdOf(topic)];
      expect(channel.address).toBe(topic);
      expect(channel.messages[messageIdOf(topic)].payload).toEqual(schemas[topic]);
    }
  });

  it('is deterministic', () => {
    expect(buildAsyncApiDocument()).toEqual(buildAsyncApiDocument());
  });
});
