# relfig: one command sets everything up from nothing; `make run` and `make test` call it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WHEELS := $(HOME)/.cache/relfig/wheels
LLAMA_VERSION := 0.3.36
# A portable CPU build (AVX2 + FMA). The default native build enables AMX/AVX-512 kernels,
# which crashed the server with a general protection fault on this project's machines.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
PYTEST_OFFLINE := --block-network --allowed-hosts=127.0.0.1,localhost,::1 --record-mode=none

.PHONY: setup system-deps review-deps run test pytest lint record screenshot peers clean

setup: $(VENV)/.installed ## venv, llama-cpp-python (built once), the model parts, relfig itself

$(VENV)/.installed: pyproject.toml Makefile
	@$(MAKE) --no-print-directory system-deps
	@$(MAKE) --no-print-directory review-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || { \
		echo "building llama-cpp-python $(LLAMA_VERSION) from source (about 5 minutes, once per machine)"; \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --no-deps --no-cache-dir \
			--wheel-dir $(WHEELS) llama-cpp-python==$(LLAMA_VERSION); }
	$(BIN)/pip install --quiet --find-links $(WHEELS) -e '.[local,dev,review,peers]'
	@touch $@

system-deps: ## a C/C++ compiler, cmake and Python's venv (Debian packages), if missing
	@if command -v cc >/dev/null && command -v c++ >/dev/null && command -v cmake >/dev/null \
		&& $(PYTHON) -c "import ensurepip, venv" 2>/dev/null; then :; else \
		echo "installing build tools (build-essential cmake python3-venv python3-dev)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			build-essential cmake python3-venv python3-dev; fi

review-deps: ## Debian's chromium (browser tests) and PostgreSQL (store tests), if missing
	@if command -v chromium >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; else \
		echo "installing chromium and postgresql (Debian packages) for the review tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			chromium postgresql; fi

run: setup ## extract the bundled sample releases with the embedded model
	@mkdir -p out
	$(BIN)/relfig extract eval/samples -o out/samples.jsonl

test: setup lint pytest ## everything CI checks

pytest: setup
	$(BIN)/python -m pytest $(PYTEST_OFFLINE)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

record: setup ## re-record the model cassettes against a freshly started embedded server
	rm -rf tests/cassettes
	$(BIN)/python -m pytest -m "not live" --record-mode=new_episodes tests/test_extraction_replay.py tests/test_cli.py

peers: setup ## relfig beside langextract and a whole-release instructor call on one model server (issue 6)
	@mkdir -p out
	$(BIN)/relfig bench --peers -o out/peers.json

screenshot: setup ## docs/review.png and docs/review-flag.png, taken in headless chromium
	$(BIN)/python -m tests.review_screenshot docs/review.png

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
