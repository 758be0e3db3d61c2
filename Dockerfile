# syntax=docker/dockerfile:1
# Node 24 LTS (Node 20 left support in April 2026); the CI runs the whole suite on 24 as well as on 20.19+.
# Build: compile TypeScript (server, and the browser bundles with esbuild) with the dev toolchain. Native addons (hnswlib-node) need python3/make/g++.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY public ./public
COPY web ./web
COPY scripts/build-web.ts ./scripts/
RUN npm run build && npm prune --omit=dev

# Runtime: production dependencies and compiled code only, as an unprivileged user.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8000 DATA_DIR=/var/lib/concierge
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
RUN mkdir -p /var/lib/concierge && chown node:node /var/lib/concierge
USER node
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
