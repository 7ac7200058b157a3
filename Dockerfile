# The adapter as a container image: Debian's Python 3.11 and the adapter installed exactly
# as scripts/setup does on a server (docs/deployment.md). compose.yaml runs it with
# PostgreSQL and Redis.
#
#   podman build -t ondc-seller .        (or: docker build -t ondc-seller .)
#
# BASE may name any Debian 12 image, for example one made locally with debootstrap where
# Docker Hub cannot be reached (docs/deployment.md, "Containers").
ARG BASE=docker.io/library/debian:bookworm-slim
FROM ${BASE}

# The fonts draw the dashboard's PDF summary: DejaVu Sans (English, the rupee sign) and
# Lohit Devanagari (Hindi).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3 python3-venv ca-certificates fonts-dejavu-core fonts-lohit-deva \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --user-group --home-dir /var/lib/ondc-seller --create-home \
        --shell /usr/sbin/nologin ondc-seller

WORKDIR /opt/ondc-seller
# The dependencies first, so that a change to the code alone reuses their layer.
COPY pyproject.toml README.md ./
COPY scripts/setup scripts/setup
# Behind a proxy that re-signs TLS, give pip its CA: --volume CA.crt:/etc/ssl/proxy-ca.crt:ro
# --build-arg PIP_CERT=/etc/ssl/proxy-ca.crt (nothing of it stays in the image).
ARG PIP_CERT
RUN mkdir -p adapter signing schemas catalog_sync && scripts/setup
COPY adapter adapter
COPY signing signing
COPY schemas schemas
COPY catalog_sync catalog_sync
COPY config config
# The code is installed in place (-e): reinstalling registers the packages just copied.
RUN .venv/bin/python -m pip install --quiet --no-deps -e . \
    && .venv/bin/ondc-seller --help > /dev/null

ENV PATH=/opt/ondc-seller/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////var/lib/ondc-seller/ondc-seller.db
USER ondc-seller
WORKDIR /var/lib/ondc-seller
VOLUME /var/lib/ondc-seller
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["ondc-seller", "serve", "--host", "0.0.0.0", "--port", "8000"]
