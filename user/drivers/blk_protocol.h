/*
 * The block-device protocol: what a client says to a disk driver
 * (user/drivers/virtio-blk) over IPC.  The driver is a server on one
 * endpoint; clients call it.
 *
 * Who is who: every client's send handle to the driver's endpoint carries a
 * badge of its own (the pager hands them out: PAGER_DISK, one a client, and
 * keeps badge BLK_BADGE_PAGER for its swap).  The driver keeps one session
 * per badge: the client's buffer.  A call with no badge is refused
 * (ERR_DENIED), so a client can use only its own buffer; the pager revokes
 * a client's session when the client ends (BLK_REVOKE), so sessions last
 * no longer than their clients.
 *
 * Data moves through the buffer: a frame the client attaches (BLK_ATTACH),
 * which both map.  The driver hands the device the buffer's own pages when
 * the frame's physical address is known (a DMA frame) and the whole of it
 * lies below the device's DMA limit: BLK_DIRECT.  Otherwise it copies
 * through bounce buffers of its own in DMA memory below the limit:
 * BLK_BOUNCE.  Either way no address the device cannot reach is ever given
 * to it: the driver checks every one (its own check, not the device's).
 *
 * Requests: tag = BLK_*, words = arguments; the answer's tag is 0 or an
 * err_t code (positive), its words the results.  Sizes count sectors of
 * BLK_SECTOR bytes.
 *
 *   BLK_INFO    {} -> w[0] capacity in sectors, w[1] BLK_INFO_* flags,
 *               w[2] the most bytes one request moves (BLK_MAX_BYTES),
 *               w[3] the device's DMA limit (0: none)
 *   BLK_ATTACH  {} passing a frame handle with READ and WRITE, of
 *               BLK_BUFFER_MIN to BLK_BUFFER_MAX bytes -> w[0] BLK_DIRECT or
 *               BLK_BOUNCE, w[1] the buffer's size.  Replaces the session's
 *               buffer.  ERR_INVALID_ARGUMENT (no frame, its size),
 *               ERR_DENIED (its rights), ERR_NO_MEMORY (BLK_SESSIONS_MAX
 *               sessions, or no room to map it)
 *   BLK_DETACH  {} -> 0: the buffer let go, the session ended
 *   BLK_REVOKE  {badge} (BLK_BADGE_PAGER's only: ERR_DENIED) -> 0: end the
 *               session of that badge, as its BLK_DETACH would (the pager
 *               says so when the client it gave the badge to has ended:
 *               its buffer is let go, its session free for another)
 *   BLK_READ    {sector, count, offset} -> 0: count sectors from sector on
 *               into the buffer at byte offset
 *   BLK_WRITE   {sector, count, offset} -> 0: from the buffer to the disk
 *               (on the disk once answered, unless the device has a write
 *               cache: BLK_FLUSH makes sure)
 *   BLK_FLUSH   {} -> 0: every write answered is on the disk
 *   Answers of BLK_READ and BLK_WRITE carry in w[3] the instructions the
 *               hart retired while the driver waited for the device (from
 *               its SYS_IRQ_WAIT to the return: the idle hart's ticks, the
 *               switches and the interrupt), so that a client that counts
 *               its own can leave the waiting out (exact under -icount on
 *               one hart)
 *
 * Errors of BLK_READ / BLK_WRITE / BLK_FLUSH: ERR_NOT_FOUND (no buffer
 * attached), ERR_INVALID_ARGUMENT (count 0 or over BLK_MAX_BYTES, a range
 * past the capacity, offset not a multiple of BLK_SECTOR or the data past
 * the buffer's end), ERR_DENIED (a write to a read-only disk), ERR_IO (the
 * device answered with an error: the data of a read is not to be used,
 * a write may or may not have reached the disk), ERR_NOT_SUPPORTED (the
 * device does not know the request).  Unknown tags: ERR_INVALID_ARGUMENT.
 */
#ifndef TESSERA_USER_DRIVERS_BLK_PROTOCOL_H
#define TESSERA_USER_DRIVERS_BLK_PROTOCOL_H

#define BLK_INFO 1
#define BLK_ATTACH 2
#define BLK_DETACH 3
#define BLK_READ 4
#define BLK_WRITE 5
#define BLK_FLUSH 6
#define BLK_REVOKE 7

#define BLK_SECTOR 512ul
#define BLK_MAX_BYTES 0x10000ul          /* 64 KiB a request */
#define BLK_BUFFER_MIN 0x1000ul
#define BLK_BUFFER_MAX 0x10000ul
#define BLK_SESSIONS_MAX 8

#define BLK_INFO_READ_ONLY (1u << 0)
#define BLK_INFO_FLUSH (1u << 1)         /* the device has a write cache to flush */
#define BLK_INFO_MODERN (1u << 2)        /* virtio 1.0 (else legacy, virtio 0.9.5) */

#define BLK_DIRECT 1
#define BLK_BOUNCE 2

#define BLK_BADGE_PAGER 1                /* the pager's own session (swap) */

#endif
