import { DataTypes, type ModelStatic, type Model, type Sequelize } from 'sequelize';

/**
 * Sequelize models over the tables made by the migrations. The migrations own the
 * schema; these definitions only tell Sequelize how to convert values (dates,
 * blobs), so `sync()` is never called.
 */
export interface Models {
  Ticket: ModelStatic<Model>;
  InboundMail: ModelStatic<Model>;
  Message: ModelStatic<Model>;
  Attachment: ModelStatic<Model>;
  Event: ModelStatic<Model>;
  Outbox: ModelStatic<Model>;
  MailboxState: ModelStatic<Model>;
  Timer: ModelStatic<Model>;
  Seller: ModelStatic<Model>;
}

export function defineModels(sequelize: Sequelize): Models {
  const options = { timestamps: false, underscored: true, freezeTableName: true } as const;
  const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
  return {
    Ticket: sequelize.define(
      'tickets',
      {
        id,
        reference: DataTypes.STRING,
        status: DataTypes.STRING,
        level: DataTypes.INTEGER,
        category: DataTypes.STRING,
        order_number: DataTypes.STRING,
        locale: DataTypes.STRING,
        subject: DataTypes.TEXT,
        customer_email: DataTypes.STRING,
        customer_name: DataTypes.STRING,
        participants: DataTypes.TEXT,
        customer_thread: DataTypes.TEXT,
        priority: DataTypes.STRING,
        assignee: DataTypes.STRING,
        hold_until: DataTypes.DATE,
        seller_id: DataTypes.STRING,
        opened_at: DataTypes.DATE,
        first_response_due_at: DataTypes.DATE,
        first_response_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
        policy: DataTypes.STRING,
        reminded_at: DataTypes.DATE,
        sla_breached_at: DataTypes.DATE,
        last_customer_update_at: DataTypes.DATE,
        resolved_at: DataTypes.DATE,
        closed_at: DataTypes.DATE,
        rating: DataTypes.INTEGER,
        seller_requested_at: DataTypes.DATE,
        seller_chases: DataTypes.INTEGER,
        seller_last_chase_at: DataTypes.DATE,
        linked_reference: DataTypes.STRING,
        cycle_started_at: DataTypes.DATE,
        loop_suspected_at: DataTypes.DATE,
        undeliverable: DataTypes.TEXT,
      },
      options,
    ),
    InboundMail: sequelize.define(
      'inbound_mails',
      {
        id,
        raw_sha256: DataTypes.STRING,
        source: DataTypes.STRING,
        size: DataTypes.INTEGER,
        raw: DataTypes.BLOB,
        raw_path: DataTypes.STRING,
        outcome: DataTypes.STRING,
        reason: DataTypes.TEXT,
        ticket_id: DataTypes.INTEGER,
        received_at: DataTypes.DATE,
      },
      options,
    ),
    Message: sequelize.define(
      'messages',
      {
        id,
        ticket_id: DataTypes.INTEGER,
        inbound_id: DataTypes.INTEGER,
        direction: DataTypes.STRING,
        message_id: DataTypes.STRING,
        from_address: DataTypes.STRING,
        from_name: DataTypes.STRING,
        to_addresses: DataTypes.TEXT,
        subject: DataTypes.TEXT,
        text: DataTypes.TEXT,
        html: DataTypes.TEXT,
        automatic: DataTypes.STRING,
        template: DataTypes.STRING,
        created_at: DataTypes.DATE,
      },
      options,
    ),
    Attachment: sequelize.define(
      'attachments',
      {
        id,
        message_id: DataTypes.INTEGER,
        filename: DataTypes.STRING,
        content_type: DataTypes.STRING,
        size: DataTypes.INTEGER,
        sha256: DataTypes.STRING,
      },
      options,
    ),
    Event: sequelize.define(
      'events',
      { id, ticket_id: DataTypes.INTEGER, type: DataTypes.STRING, data: DataTypes.TEXT, at: DataTypes.DATE, actor: DataTypes.STRING },
      options,
    ),
    Outbox: sequelize.define(
      'outbox',
      {
        id,
        ticket_id: DataTypes.INTEGER,
        message_id: DataTypes.STRING,
        kind: DataTypes.STRING,
        recipient: DataTypes.STRING,
        mail: DataTypes.TEXT,
        status: DataTypes.STRING,
        attempts: DataTypes.INTEGER,
        next_attempt_at: DataTypes.DATE,
        last_error: DataTypes.TEXT,
        locked_by: DataTypes.STRING,
        locked_at: DataTypes.DATE,
        sent_at: DataTypes.DATE,
        failed_at: DataTypes.DATE,
        created_at: DataTypes.DATE,
      },
      options,
    ),
    MailboxState: sequelize.define(
      'mailbox_state',
      {
        mailbox: { type: DataTypes.STRING, primaryKey: true },
        uidvalidity: DataTypes.STRING,
        last_uid: DataTypes.INTEGER,
        last_poll_at: DataTypes.DATE,
        last_error: DataTypes.TEXT,
        last_error_at: DataTypes.DATE,
      },
      options,
    ),
    Timer: sequelize.define(
      'timers',
      { id, ticket_id: DataTypes.INTEGER, kind: DataTypes.STRING, due_at: DataTypes.DATE, locked_by: DataTypes.STRING, locked_at: DataTypes.DATE },
      options,
    ),
    Seller: sequelize.define(
      'sellers',
      {
        seller_id: { type: DataTypes.STRING, primaryKey: true },
        strikes: DataTypes.INTEGER,
        restricted_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      options,
    ),
  };
}
