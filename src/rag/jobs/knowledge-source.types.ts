export interface CrawlInput {
  url: string;
  maxPages: number;
  maxDepth: number;
  category: string | null;
}

export type ReadProgress = (fraction: number, message: string, counts?: Record<string, number>) => Promise<void>;
