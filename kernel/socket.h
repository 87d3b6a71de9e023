/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FENNEC_SOCKET_H
#define _FENNEC_SOCKET_H

#include "device.h"

int fennec_socket_open(struct fennec_device *fdev, u16 port);
void fennec_socket_close(struct fennec_device *fdev);

#endif /* _FENNEC_SOCKET_H */
