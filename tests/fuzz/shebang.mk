# The #! line parser (kernel/shebang.c): scripts are guest-written files.
FUZZ_TARGETS += shebang
FUZZ_SRCS_shebang := kernel/shebang.c
