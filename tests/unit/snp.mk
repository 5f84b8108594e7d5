# ghcb/ against the hypervisor + secure processor model (snp_model.c).
SNP_GHCB_SRCS := ghcb/msrproto.c ghcb/call.c ghcb/nae.c ghcb/psc.c \
	ghcb/cpuid.c ghcb/detect.c ghcb/vc.c ghcb/decode.c ghcb/tsc.c \
	ghcb/hv.c
UNIT_TESTS += snp
UNIT_SRCS_snp := $(SNP_GHCB_SRCS) tests/unit/snp_model.c
