/** The route table: every path the sandbox serves. */
import type { Exchange } from '../state/exchange';
import { accountRoutes } from './account';
import { accountExtraRoutes } from './accountExtras';
import { assetRoutes } from './asset';
import { assetExtraRoutes } from './assetExtras';
import { convertRoutes } from './convert';
import { earnRoutes } from './earn';
import { marketRoutes } from './market';
import { marketExtraRoutes } from './marketExtras';
import { orderRoutes } from './order';
import { positionRoutes } from './position';
import { preCheckRoutes } from './preCheck';
import { table, type RouteTable } from './route';
import { spotMarginRoutes } from './spotMargin';
import { spotMarginFixedRoutes } from './spotMarginFixed';
import { userRoutes } from './user';
import { userExtraRoutes } from './userExtras';

export function buildRoutes(ex: Exchange): RouteTable {
	return table(marketRoutes, orderRoutes, positionRoutes, accountRoutes, assetRoutes(ex), userRoutes, accountExtraRoutes(ex), earnRoutes(ex), marketExtraRoutes(ex), assetExtraRoutes(ex), userExtraRoutes(ex), spotMarginRoutes, spotMarginFixedRoutes, convertRoutes, preCheckRoutes);
}
