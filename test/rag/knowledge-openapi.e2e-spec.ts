import { bootTestApp, TestApp } from 'test/support/test-app';

describe('Knowledge endpoints in the OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => t.close());

  it('documents every knowledge endpoint with a stable operation id, the admin key scheme and examples', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const base = '/admin/business/{id}/knowledge';
    const expected: Array<[string, string, string]> = [
      [`${base}/documents`, 'post', 'Knowledge_ingestDocuments'],
      [`${base}/documents`, 'get', 'Knowledge_listDocuments'],
      [`${base}/documents/{docId}`, 'delete', 'Knowledge_deleteDocument'],
      [`${base}/files`, 'post', 'Knowledge_ingestFile'],
      [`${base}/crawl`, 'post', 'Knowledge_crawlSite'],
      [`${base}/jobs/{jobId}`, 'get', 'Knowledge_getJob'],
      [`${base}/versions`, 'get', 'Knowledge_listVersions'],
      [`${base}/versions/{version}/activate`, 'post', 'Knowledge_activateVersion'],
      [`${base}/health`, 'get', 'Knowledge_getKnowledgeHealth'],
      [`${base}/search`, 'get', 'Knowledge_searchKnowledge'],
      ['/admin/business/{id}/scrape', 'post', 'KnowledgeLegacy_scrapeWebsite'],
      ['/admin/business/{id}/scraping-status', 'get', 'KnowledgeLegacy_getScrapingStatus'],
    ];
    for (const [path, method, operationId] of expected) {
      const op = doc.paths[path]?.[method];
      expect({ path, method, operationId: op?.operationId }).toEqual({ path, method, operationId });
      expect(op.security).toEqual([{ 'admin-api-key': [] }, { 'admin-bearer': [] }]);
    }
    expect(Object.keys(doc.paths[`${base}/documents`].post.requestBody.content)).toEqual([
      'application/json',
      'application/x-ndjson',
    ]);
    expect(doc.components.schemas.SearchResultDto.properties.vectorScore.example).toBe(0.48);
    expect(doc.components.schemas.KnowledgeDocumentInputDto.properties.text.example).toContain('$149');
  });
});
