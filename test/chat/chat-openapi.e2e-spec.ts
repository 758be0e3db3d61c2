import { bootTestApp, TestApp } from 'test/support/test-app';

describe('Chat endpoints in the OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => t.close());

  it('documents /chat, /chat/stream and the admin session endpoints with stable operation ids and examples', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(doc.paths['/chat'].post.operationId).toBe('Chat_sendChatMessage');
    expect(doc.paths['/chat'].post.security).toEqual([]);
    expect(doc.paths['/chat/stream'].post.operationId).toBe('Chat_streamChatMessage');
    expect(Object.keys(doc.paths['/chat/stream'].post.responses['200'].content)).toContain('text/event-stream');
    const session = doc.paths['/admin/business/{id}/sessions/{session_id}'];
    expect(session.get.operationId).toBe('SessionAdmin_getSession');
    expect(session.delete.operationId).toBe('SessionAdmin_deleteSession');
    expect(session.get.security).toEqual([{ 'admin-api-key': [] }, { 'admin-bearer': [] }]);
    expect(doc.components.schemas.ChatRequestDto.properties.session_id.example).toBe(
      '3f1c2b9e-7d4a-4e55-9a51-0c6f3f2d8b10',
    );
    expect(doc.components.schemas.ChatResponseDto.required).toEqual(['response', 'session_id', 'session_token']);
    // Omitting session_id starts a server-generated session; continuing one takes its token (body or header).
    expect(doc.components.schemas.ChatRequestDto.required).toEqual(['business_id', 'message']);
    expect(doc.components.schemas.ChatRequestDto.properties.session_token.example).toMatch(/^v1\./);
    for (const path of ['/chat', '/chat/stream']) {
      expect(doc.paths[path].post.responses['403'].description).toContain('session.token_required');
      // Listed once: an operation naming the same header twice is invalid OpenAPI.
      const tokenHeaders = (doc.paths[path].post.parameters as { name: string; in: string }[]).filter(
        (p) => p.name === 'X-Session-Token' && p.in === 'header',
      );
      expect(tokenHeaders).toEqual([expect.objectContaining({ required: false })]);
    }
    expect(doc.components.schemas.SessionDetailsDto.properties.captured.$ref).toBe(
      '#/components/schemas/CapturedFieldsDto',
    );
  });
});
