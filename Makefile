# Thin front end: set-up, build, quick start, tests. CMake does the real work.
BUILD_DIR := build
PREFIX ?= /usr/local

.PHONY: all deps configure build run test bench install clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake --preset default >/dev/null

build: configure
	@cmake --build --preset default

run: build
	$(BUILD_DIR)/bin/caviar run examples/quickstart.toml

test: build
	ctest --preset default

bench: build
	bench/run.sh $(BUILD_DIR)

install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD_DIR)
