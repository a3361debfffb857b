/**
 * The sender: the one process that owns the Listener sockets (docs/sender.md).
 *
 * <h2>The send path</h2>
 *
 * <p>From an HTTP request to {@code sendmmsg}, each stage hands its result to the next and none
 * calls back into an earlier one. Only two things travel back, both at the end: the room the batch
 * reserved in the queue (released in one step by stage 9) and the batch's completion, a future
 * the connection answers from. Every stage's file points here.
 *
 * <ol>
 * <li><b>Receive</b> ({@code api.EgressRequestHandler}, on the connection's event loop): the
 *     request line and headers are judged alone ({@code api.HeaderChecks}: route, method,
 *     content type, length), then the body is buffered, bounded per request and server-wide.
 * <li><b>Verify</b> ({@code api.EgressRequestHandler} with core's {@code EgressVerifier}): the
 *     signature headers are prechecked before the body, the MAC runs over each chunk as it
 *     arrives, and the verdict (MAC, clock window, nonce) is given once the body is in, still on
 *     the loop. Nothing unauthenticated goes further.
 * <li><b>Parse</b> ({@code api.BinaryBatch} on the loop; JSON on the handler pool): the body is
 *     read into an {@code EgressService.Batch}, one packet at a time through its reusable
 *     builder, {@code api.BatchPacket}; binary payloads stay ranges of the body.
 * <li><b>Check</b> ({@code api.PacketCheck}, as the batch adds each packet): each packet on its
 *     own: shape, the Listener type's size cap, the egress rule on {@code Remote.Address}, the
 *     socket's family. A refused packet keeps its reason; nothing is counted or sent yet.
 * <li><b>Admit</b> ({@code EgressService.Batch.submit}, then {@code net.SendQueue}): the signed
 *     deadline, each segment claimed once ({@code BatchMemory}), then room reserved for the
 *     packets in the Listener's bounded queue; what does not fit is {@code SendError} at once.
 * <li><b>Dispatch</b> ({@code net.ListenerSocket.submit}): on the loop of one of the Listener's
 *     sockets already (the API shares them), the batch is written there and then; else it is one
 *     task on the next socket's loop.
 * <li><b>Encode</b> ({@code net.OutboundEncoder}: {@code PlainUdpEncoder},
 *     {@code WireGuardEncoder}, {@code InnerFrameEncoder}): the Listener type writes each
 *     datagram into its slice of the batch's one pooled direct buffer; WireGuard seals it for the
 *     session and applies the endpoint egress rule it was built with.
 * <li><b>Write</b> ({@code net.BatchWriter}, {@code net.SocketFamily}, {@code net.SegmentRun},
 *     {@code net.SegmentRefusals},
 *     {@code net.EmptyDatagrams}): each destination as the socket must be given it (or
 *     {@code AddressFamilyUnreachable}), written with a write promise per slot, or per run of
 *     datagrams to one destination that leaves as one segmented send (UDP GSO); one flush hands
 *     the batch to the kernel, in {@code sendmmsg} calls on epoll. Empty datagrams go by
 *     {@code sendto}.
 * <li><b>Complete</b> ({@code net.SendCompletion}): each write promise settles its slot of the
 *     {@code net.Outbound}; the last gives the batch's room back to the queue, records the batch
 *     and completes {@code Outbound.done()}. {@code EgressService} turns the outcomes into the
 *     response, which the connection's own loop writes.
 * </ol>
 *
 * <p>Beside the path, not on it: what arrives on a Listener socket ({@code net.Inbound}: plain
 * UDP counted and dropped; {@code net.WireGuardInbound}: handshakes and keepalives answered from
 * the same socket, the engine's timers).
 */
package com.proxylity.packetsource.sender;
