# kvd in a container. Build (podman or docker):
#   podman build --format docker -t kvd .
#   docker build -t kvd --build-arg BASE_IMAGE=debian:bookworm .
# Run, as the official Redis image (arguments are kvd options, or a config file first):
#   podman run -d --name kvd -p 6379:6379 -v kvd-data:/data kvd --appendonly yes
#   podman run -d -v ./kvd.conf:/usr/local/etc/kvd/kvd.conf:ro kvd /usr/local/etc/kvd/kvd.conf
# The default base is made locally by scripts/container_base_image.sh (no registry needed);
# elsewhere pass --build-arg BASE_IMAGE=debian:bookworm.
ARG BASE_IMAGE=localhost/debian:bookworm

# ---- build: a Release kvd, stripped, and a quick test of it --------------------------------
FROM ${BASE_IMAGE} AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       g++ cmake make ccache libasio-dev libspdlog-dev libcli11-dev \
       liblua5.1-0-dev lua-cjson-dev lua-bitop-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
# ccache's sloppiness lets it cache the files compiled with CMake's precompiled header.
ENV CCACHE_DIR=/root/.cache/ccache CCACHE_SLOPPINESS=pch_defines,time_macros
WORKDIR /src
# Only what the compile reads: edits to tests, scripts, conf/ or docs keep this layer cached.
COPY CMakeLists.txt ./
COPY core/ core/
COPY protocol/ protocol/
COPY server/ server/
# A source edit invalidates this layer; the compiler cache (a build cache mount, kept by
# podman/BuildKit between builds) recompiles only the files that changed.
RUN --mount=type=cache,target=/root/.cache/ccache \
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
          -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null \
    && cmake --build build --target kvd -j"$(nproc)" \
    && strip build/kvd
COPY scripts/container/smoke_test.sh scripts/container/runtime_packages.sh /usr/local/bin/
RUN smoke_test.sh build/kvd && runtime_packages.sh build/kvd >build/runtime-packages

# ---- runtime: the binary, the packages of the libraries it links, a non-root user ----------
FROM ${BASE_IMAGE}
COPY --from=build /src/build/runtime-packages /tmp/
RUN apt-get update \
    && xargs -a /tmp/runtime-packages env DEBIAN_FRONTEND=noninteractive \
       apt-get install -y --no-install-recommends \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages \
    && groupadd --system --gid 999 kvd \
    && useradd --system --uid 999 --gid kvd --home-dir /data --no-create-home kvd \
    && mkdir -p /data /usr/local/etc/kvd \
    && chown kvd:kvd /data
COPY --from=build /src/build/kvd /usr/local/bin/kvd
COPY scripts/container/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY scripts/container/healthcheck.sh /usr/local/bin/kvd-healthcheck
RUN kvd --version

USER kvd
WORKDIR /data
VOLUME /data
EXPOSE 6379
# kvd saves (per its save rules or the append-only file) and exits 0 on SIGTERM; give it the
# stop timeout it needs for a large dataset (podman/docker stop -t).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["kvd-healthcheck"]
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["kvd"]
