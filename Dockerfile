# Brygga's image: Node 24 LTS, production dependencies only, run as an unprivileged user.
# Brygga runs its TypeScript through tsx (a runtime dependency), so there is no build step.
#   docker build -t brygga .
#   docker build -t brygga --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) \
#     --build-arg SOURCE_URL=<the repository's public address> .
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=
ARG SOURCE_URL=
LABEL org.opencontainers.image.title="Brygga" \
      org.opencontainers.image.description="Messaging-integration middleware for Swedish municipal elderly care: orders, acknowledgements and deadlines between case officers and providers." \
      org.opencontainers.image.licenses="EUPL-1.2" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE_URL}"

ENV HOST=0.0.0.0 \
    PORT=8080 \
    BRYGGA_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The node image's unprivileged user (uid 1000) owns the data directory and nothing else.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
ENTRYPOINT ["node", "scripts/brygga.mjs"]
CMD ["start"]
