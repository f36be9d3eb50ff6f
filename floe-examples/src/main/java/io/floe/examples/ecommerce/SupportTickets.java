package io.floe.examples.ecommerce;

import io.floe.examples.csv.CsvOutput;

/**
 * support_tickets.csv: an open ticket has no response, agent or resolution yet; only resolved and
 * closed tickets have a resolution and a satisfaction score; a fifth of tickets name no order.
 */
final class SupportTickets implements EcommerceTable {
  private static final String[] TICKET_TYPES = {
      "order_issue", "product_inquiry", "shipping_delay", "refund_request", "technical_support", "account_issue"};
  static final String[] PRIORITIES = {"low", "medium", "high", "urgent"};
  private static final int[] PRIORITY_WEIGHTS = {35, 35, 20, 10};
  static final String[] STATUSES = {"open", "in_progress", "waiting_customer", "resolved", "closed"};
  static final String[] CHANNELS = {"email", "chat", "phone", "social_media"};
  private static final String[] SUBJECTS = {
      "Order not received", "Product defect", "Refund request", "Shipping delay", "Wrong item received",
      "Account login issue", "Payment failed", "Tracking not updating", "Cancel order request", "Product inquiry",
      "Billing question", "Damaged package"};

  @Override
  public String name() {
    return "support_tickets";
  }

  @Override
  public String header() {
    return "ticket_id,customer_id,order_id,ticket_type,priority,status,created_timestamp,"
        + "first_response_timestamp,resolution_timestamp,agent_id,satisfaction_score,subject,channel";
  }

  @Override
  public long rowsAtFullScale() {
    return 300_000;
  }

  @Override
  public void writeRow(CsvOutput out, long id, RowContext context, boolean nullInCheckedColumn) {
    int status = context.random().nextInt(STATUSES.length);
    boolean answered = status != 0;
    boolean resolved = status >= 3;
    long created = context.timestampInPeriod();
    out.id("TKT", id, 8);
    if (nullInCheckedColumn) {
      out.empty();
    } else {
      out.id("CUST", context.customer(), 6);
    }
    if (context.random().nextInt(5) == 0) {
      out.empty();
    } else {
      out.id("ORD", 1 + context.random().nextLong(context.orders()), 9);
    }
    out.text(TICKET_TYPES[context.random().nextInt(TICKET_TYPES.length)])
        .text(PRIORITIES[context.weighted(PRIORITY_WEIGHTS)])
        .text(STATUSES[status])
        .timestamp(created);
    if (answered) {
      out.timestamp(created + 300 + context.random().nextInt(48 * 3600));
    } else {
      out.empty();
    }
    if (resolved) {
      out.timestamp(created + 3600 * (24 + context.random().nextInt(13 * 24 + 1)));
    } else {
      out.empty();
    }
    if (answered) {
      out.id("AGT", 1 + context.random().nextInt(100), 4);
    } else {
      out.empty();
    }
    if (resolved) {
      out.number(1 + context.random().nextInt(5));
    } else {
      out.empty();
    }
    out.text(SUBJECTS[context.random().nextInt(SUBJECTS.length)])
        .text(CHANNELS[context.random().nextInt(CHANNELS.length)])
        .endRow();
  }
}
