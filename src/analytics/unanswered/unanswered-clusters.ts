import { createHash } from 'node:crypto';

/** One question the assistant could not answer: the visitor's message before an `unanswered` reply. */
export interface UnansweredQuestion {
  text: string;
  sessionId: string;
  at: Date;
}

export interface ClusterMember {
  /** The question as a visitor last typed it (the most recent raw form of this normalized text). */
  text: string;
  count: number;
}

export interface QuestionCluster {
  /** Stable while the example stays the cluster's most asked question: a hash of its normalized text. */
  key: string;
  example: string;
  count: number;
  /** Distinct questions, most asked first. */
  members: ClusterMember[];
  /** Distinct sessions, most recent first. */
  sessionIds: string[];
  firstSeen: Date;
  lastSeen: Date;
}

/**
 * Cosine similarity at or above which a question joins a cluster's example question, on the local hashed embedder
 * (which matches shared words, stems, thesaurus concepts and typos, not paraphrase). Measured pairs, pinned in
 * unanswered-clusters.spec.ts: rewordings like "can I get a refund" / "what is your refund policy" (0.68), "can I
 * pay by credit card" / "do you accept credit cards?" (0.73) and "are you open at the weekend?" / "do you work on
 * weekends" (0.43) join; different questions sharing words, "refund policy" / "privacy policy" (0.36) and "credit
 * cards" / "cash" (0.34), stay apart. Paraphrases without shared words ("are you insured" / "do you have
 * insurance", 0.34) stay apart too: the price of not merging different questions.
 */
export const CLUSTER_SIMILARITY = 0.4;

/** Lower case, Unicode-normalized, single spaces, no surrounding quotes or trailing punctuation. */
export function normalizeQuestion(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'“”‘’«»\s]+|["'“”‘’«»?!.,;:…\s]+$/g, '');
}

export function clusterKey(normalized: string): string {
  return createHash('sha256').update(normalized).digest('hex').slice(0, 32);
}

interface Distinct {
  normalized: string;
  text: string;
  count: number;
  sessions: { id: string; at: Date }[];
  firstSeen: Date;
  lastSeen: Date;
}

/** The non-zero dimensions of a vector, and their values. */
function nonZero(vector: Float32Array): { dims: number[]; values: number[] } {
  const dims: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < vector.length; i++) {
    if (vector[i] !== 0) {
      dims.push(i);
      values.push(vector[i]);
    }
  }
  return { dims, values };
}

/**
 * Greedy leader clustering, deterministic whatever order the rows came in: distinct questions (by normalized text)
 * are taken most asked first (ties by text), and each joins the most similar existing leader when the cosine
 * similarity reaches `threshold`, or else leads a cluster of its own. The leader is then the cluster's most asked
 * question, which makes it a good example and keeps the cluster key stable as counts grow. Comparing with leaders
 * (not centroids) means a cluster never drifts away from its example.
 *
 * The embedder's vectors are L2-normalized and sparse (a short question sets ~50 of 768 hashed dimensions), so
 * similarities are accumulated through an inverted index over the leaders' non-zero dimensions: each question costs
 * a few thousand multiply-adds rather than one dense dot product per cluster.
 */
export function clusterQuestions(
  questions: UnansweredQuestion[],
  embed: (text: string) => Float32Array,
  threshold = CLUSTER_SIMILARITY,
): QuestionCluster[] {
  const byText = new Map<string, Distinct>();
  // Newest first, so the raw text kept for a normalized form is its latest wording.
  const ordered = [...questions].sort((a, b) => b.at.getTime() - a.at.getTime());
  for (const q of ordered) {
    const normalized = normalizeQuestion(q.text);
    if (!normalized) continue;
    const found = byText.get(normalized);
    if (found) {
      found.count++;
      found.sessions.push({ id: q.sessionId, at: q.at });
      if (q.at < found.firstSeen) found.firstSeen = q.at;
    } else {
      byText.set(normalized, {
        normalized,
        text: q.text.trim(),
        count: 1,
        sessions: [{ id: q.sessionId, at: q.at }],
        firstSeen: q.at,
        lastSeen: q.at,
      });
    }
  }
  const distinct = [...byText.values()].sort(
    (a, b) => b.count - a.count || (a.normalized < b.normalized ? -1 : a.normalized > b.normalized ? 1 : 0),
  );

  const groups: Distinct[][] = [];
  const index = new LeaderIndex(distinct.length);
  for (const question of distinct) {
    const { dims, values } = nonZero(embed(question.normalized));
    const best = index.closest(dims, values, threshold);
    if (best >= 0) groups[best].push(question);
    else index.add(groups.push([question]) - 1, dims, values);
  }

  return groups
    .map((members) => toCluster(members))
    .sort(
      (a, b) =>
        b.count - a.count ||
        b.lastSeen.getTime() - a.lastSeen.getTime() ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
}

/**
 * An inverted index over the leaders' non-zero dimensions: a question's similarity to every leader is accumulated
 * from the posting lists of its own non-zero dimensions only, in typed arrays (no per-pair allocation).
 */
class LeaderIndex {
  private readonly postings = new Map<number, { leaders: Int32Array; values: Float32Array; length: number }>();
  private readonly scores: Float64Array;
  private readonly touched: Int32Array;
  private readonly marked: Uint8Array;

  constructor(capacity: number) {
    this.scores = new Float64Array(capacity);
    this.touched = new Int32Array(capacity);
    this.marked = new Uint8Array(capacity);
  }

  add(leader: number, dims: number[], values: number[]): void {
    for (let i = 0; i < dims.length; i++) {
      let list = this.postings.get(dims[i]);
      if (!list) {
        list = { leaders: new Int32Array(16), values: new Float32Array(16), length: 0 };
        this.postings.set(dims[i], list);
      }
      if (list.length === list.leaders.length) {
        const leaders = new Int32Array(list.length * 2);
        leaders.set(list.leaders);
        const grown = new Float32Array(list.length * 2);
        grown.set(list.values);
        list.leaders = leaders;
        list.values = grown;
      }
      list.leaders[list.length] = leader;
      list.values[list.length] = values[i];
      list.length++;
    }
  }

  /** The most similar leader at or above `threshold` (the first, most asked, on a tie), or -1. */
  closest(dims: number[], values: number[], threshold: number): number {
    const { scores, touched, marked } = this;
    let count = 0;
    for (let i = 0; i < dims.length; i++) {
      const list = this.postings.get(dims[i]);
      if (!list) continue;
      const v = values[i];
      const { leaders, values: weights, length } = list;
      for (let p = 0; p < length; p++) {
        const leader = leaders[p];
        if (marked[leader] === 0) {
          marked[leader] = 1;
          touched[count++] = leader;
        }
        scores[leader] += v * weights[p];
      }
    }
    let best = -1;
    let bestScore = threshold;
    for (let i = 0; i < count; i++) {
      const leader = touched[i];
      if (scores[leader] > bestScore || (scores[leader] === bestScore && (best === -1 || leader < best))) {
        best = leader;
        bestScore = scores[leader];
      }
      scores[leader] = 0;
      marked[leader] = 0;
    }
    return best;
  }
}

function toCluster(members: Distinct[]): QuestionCluster {
  const leader = members[0];
  const sessions = members
    .flatMap((m) => m.sessions)
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    key: clusterKey(leader.normalized),
    example: leader.text,
    count: members.reduce((n, m) => n + m.count, 0),
    members: members.map((m) => ({ text: m.text, count: m.count })),
    sessionIds: [...new Set(sessions.map((s) => s.id))],
    firstSeen: new Date(Math.min(...members.map((m) => m.firstSeen.getTime()))),
    lastSeen: new Date(Math.max(...members.map((m) => m.lastSeen.getTime()))),
  };
}
