# Builds the worker, jobctl and the console, then ships them on a slim runtime image with
# the migrations. Used by docker-compose.yml.
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev libcurl4-openssl-dev zlib1g-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
# --static-swift-stdlib links the Swift runtime and Foundation into each binary: a worker's peak
# RSS at concurrency 100 falls from ~34.7 to ~29.2 MiB (docs/BENCHMARKS.md, run D): it loads no
# shared Swift library (16 before, each relocating data pages of its own). libpq, libcurl and
# libxml2 stay shared, as the runtime image's packages.
RUN swift build -c release --static-swift-stdlib --product worker \
    && swift build -c release --static-swift-stdlib --product jobctl \
    && swift build -c release --static-swift-stdlib --product console \
    && mkdir -p /out && cp .build/release/worker .build/release/jobctl .build/release/console /out/

FROM swift:6.3-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libcurl4 libxml2 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/worker /out/jobctl /out/console /usr/local/bin/
COPY migrations /app/migrations
ENV MJ_MIGRATIONS_DIR=/app/migrations
WORKDIR /app
USER nobody
CMD ["worker", "run"]
