/* CMAC-AES through AF_ALG: whether an all-zero key is accepted, and the MAC of RFC 4493's second example. */
#include <errno.h>
#include <linux/if_alg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

static int tfm(void)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "hash", .salg_name = "cmac(aes)" };
	int fd = socket(AF_ALG, SOCK_SEQPACKET, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("no cmac(aes): %s\n", strerror(errno));
		return -1;
	}
	return fd;
}

int main(void)
{
	static const unsigned char key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
					       0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
	static const unsigned char msg[16] = { 0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
					       0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a };
	unsigned char zero[16] = { 0 }, mac[16];
	int fd = tfm(), op, i;

	if (fd < 0)
		return 1;
	if (setsockopt(fd, SOL_ALG, ALG_SET_KEY, zero, sizeof(zero)) == 0)
		printf("zero-key=ok");
	else
		printf("zero-key=%s", errno == EINVAL ? "EINVAL" : strerror(errno));
	close(fd);

	fd = tfm();
	if (fd < 0 || setsockopt(fd, SOL_ALG, ALG_SET_KEY, key, sizeof(key)) < 0) {
		printf(" key: %s\n", strerror(errno));
		return 1;
	}
	op = accept(fd, NULL, 0);
	if (op < 0 || write(op, msg, sizeof(msg)) != sizeof(msg) || read(op, mac, sizeof(mac)) != sizeof(mac)) {
		printf(" mac: %s\n", strerror(errno));
		return 1;
	}
	printf(" rfc4493=");
	for (i = 0; i < 16; i++)
		printf("%02x", mac[i]);
	printf("\n");
	return 0;
}
