# syntax=docker/dockerfile:1
# Production image: compiled JavaScript on Node 20, run as the unprivileged `node` user.
# HEIC photos need no system package: heic-decode is libheif built to WebAssembly, and sharp
# ships its own libvips for glibc (Debian slim).

# --- Build: every dependency, compile TypeScript to dist/, then drop the dev dependencies --------
FROM node:20-slim AS build
WORKDIR /app
# Only needed when better-sqlite3 has no prebuilt binary for this platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# npm ci applies these to node_modules (postinstall: patch-package).
COPY patches patches
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY machines machines
COPY routines routines
COPY tools tools
COPY server server
COPY scripts scripts
RUN npm run build && npm prune --omit=dev

# --- Run -----------------------------------------------------------------------------------------
FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["npm", "run", "start:prod"]
